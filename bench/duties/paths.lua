-- wrk script: each request asks for one of the paths listed (one a line) in the file named by BENCH_PATHS, chosen at
-- random (a member's page for one member after another); the RESULT line is shared/perf's stats.lua.
dofile(os.getenv("BENCH_STATS") or "/work/shared/perf/stats.lua")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
math.randomseed(13)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
