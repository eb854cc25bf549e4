// id: kpi_grid_org_coverage
// kind: kpi
// title_zh: 网格党支部覆盖率
// title_en: Grid party branch coverage
// description_zh: 有网格党支部覆盖的网格占全部网格的比例。
// description_en: Share of grids covered by a grid_branch.
// source: 004 网格党支部
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (a:Grid)
OPTIONAL MATCH (o)-[:COVERS]->(a)
WHERE o.kind = 'grid_branch'
WITH a, count(o) > 0 AS ok
WITH a, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS num, count(*) AS den
OPTIONAL MATCH (a)-[:PART_OF*0..]->(c:Community)
WITH a, num, den, min(c.id) AS cid
WITH cid, sum(num) AS numerator, sum(den) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
