"""Open a DOCX in headless LibreOffice, accept or reject every tracked change, print each paragraph
as `style|text`. Run with LibreOffice's Python (it needs `uno`):

    python3 libreoffice_revisions.py FILE accept|reject PROFILE_DIR

Used by tests/test_redline.py; it starts its own soffice with a private profile and stops it.
"""

import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def main(path: str, mode: str, profile: str) -> None:
    pipe = f"clausegen-test-{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
         f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001  (not listening yet)
                time.sleep(0.25)
        if context is None:
            sys.exit("LibreOffice did not start")
        manager = context.ServiceManager
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (hidden,))
        if document.getRedlines().getCount() == 0:
            sys.exit("the document has no tracked changes")
        command = ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
        dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        dispatcher.executeDispatch(document.getCurrentController().getFrame(), command, "", 0, ())
        paragraphs = document.getText().createEnumeration()
        while paragraphs.hasMoreElements():
            paragraph = paragraphs.nextElement()
            print(f"{paragraph.ParaStyleName}|{paragraph.getString()}")
        document.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:4])
