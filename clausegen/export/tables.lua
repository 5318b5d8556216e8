-- Column widths for tables. CommonMark pipe tables carry no widths, and Typst's automatic
-- sizing gives long-text columns the same share as short ones. Each column gets a share that
-- grows with the square root of its typical text length (header or average cell), so short
-- columns such as ids stay readable and long requirement texts get the room.
local function len(cell) return utf8.len(pandoc.utils.stringify(cell.contents)) or 0 end

function Table(tbl)
  local n = #tbl.colspecs
  local longest, total, rows = {}, {}, 0
  for i = 1, n do longest[i], total[i] = 0, 0 end
  for _, row in ipairs(tbl.head.rows) do
    for i, cell in ipairs(row.cells) do longest[i] = math.max(longest[i], len(cell)) end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      rows = rows + 1
      for i, cell in ipairs(row.cells) do total[i] = total[i] + len(cell) end
    end
  end
  local weights, sum = {}, 0
  for i = 1, n do
    local typical = math.max(longest[i], rows > 0 and total[i] / rows or 0)
    weights[i] = math.sqrt(math.min(math.max(typical, 6), 90))
    sum = sum + weights[i]
  end
  for i = 1, n do tbl.colspecs[i] = {tbl.colspecs[i][1], weights[i] / sum} end
  return tbl
end
