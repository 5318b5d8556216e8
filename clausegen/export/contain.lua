-- Raw HTML/OpenXML/Typst never passes through: it is shown as the literal text it is.
-- Images and links to anything but the web or mail are reduced to their text.
function RawInline(el) return pandoc.Str(el.text) end
function RawBlock(el) return pandoc.Para({pandoc.Str(el.text)}) end
function Image(el) return el.caption end
function Link(el)
  if el.target:match("^https?://") or el.target:match("^mailto:") then return el end
  return el.content
end
-- Fenced divs are read only for the signature block clausegen writes: any other div is reduced to
-- its content, and no div keeps attributes (which the HTML would carry as they are).
function Div(el)
  if el.identifier ~= "signature-block" then return el.content end
  el.classes, el.attributes = {}, {}
  return el
end
