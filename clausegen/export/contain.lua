-- Raw HTML/OpenXML/Typst never passes through: it is shown as the literal text it is.
-- Images and links to anything but the web or mail are reduced to their text.
function RawInline(el) return pandoc.Str(el.text) end
function RawBlock(el) return pandoc.Para({pandoc.Str(el.text)}) end
function Image(el) return el.caption end
function Link(el)
  if el.target:match("^https?://") or el.target:match("^mailto:") then return el end
  return el.content
end
-- Typst reads "- ", "+ ", "= ", "1. " and "/ " after spaces at the start of a line as markup, and
-- pandoc escapes them only at the very start: an empty content block in front keeps them text.
function Inlines(inlines)
  if FORMAT ~= "typst" then return nil end
  for i = #inlines, 1, -1 do
    local el = inlines[i]
    if el.t == "Str" and el.text:match("^%s") and (i == 1 or inlines[i - 1].t == "LineBreak") then
      inlines:insert(i, pandoc.RawInline("typst", "#[]"))
    end
  end
  return inlines
end
