-- Redline marks written as [text]{.ins} and [text]{.del}: <ins>/<del> in HTML; underlined green
-- and struck-through red in Typst (the PDF). Runs after contain.lua, so these are the only raw
-- pieces in the output, and they hold no user text.
local colours = {ins = '#1a7f37', del = '#b3261e'}

function Span(el)
  local kind = el.classes[1]
  if kind ~= 'ins' and kind ~= 'del' then return nil end
  local open, close
  if FORMAT:match('html') then
    open, close = '<' .. kind .. '>', '</' .. kind .. '>'
  elseif FORMAT == 'typst' then
    local mark = kind == 'ins' and 'underline' or 'strike'
    open, close = '#' .. mark .. '[#text(fill: rgb("' .. colours[kind] .. '"))[', ']]'
  else
    return nil
  end
  local out = pandoc.List({pandoc.RawInline(FORMAT:match('html') and 'html' or 'typst', open)})
  out:extend(el.content)
  out:insert(pandoc.RawInline(FORMAT:match('html') and 'html' or 'typst', close))
  return out
end
