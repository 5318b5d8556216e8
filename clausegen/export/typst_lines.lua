-- Typst reads "- ", "+ ", "= ", "1. " and "/ " after spaces at the start of a line as markup, and
-- pandoc escapes them only at the very start: an empty content block in front keeps them text.
-- Only such spaces (written as &#32; by clausegen) start a Str, so pandoc.py adds this filter
-- only for Markdown that has character references: it visits every inline list, which is slow.
function Inlines(inlines)
  for i = #inlines, 1, -1 do
    local el = inlines[i]
    if el.t == "Str" and el.text:match("^%s") and (i == 1 or inlines[i - 1].t == "LineBreak") then
      inlines:insert(i, pandoc.RawInline("typst", "#[]"))
    end
  end
  return inlines
end
