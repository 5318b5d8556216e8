from clausegen.cli import main

raise SystemExit(main())
