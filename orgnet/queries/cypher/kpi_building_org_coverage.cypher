// id: kpi_building_org_coverage
// kind: kpi
// title_zh: 楼栋党小组覆盖率
// title_en: Building party group coverage
// description_zh: 有楼栋党小组覆盖的楼栋占全部楼栋的比例。
// description_en: Share of buildings covered by a building_group.
// source: 003 楼宇党小组; 001
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (a:Building)
OPTIONAL MATCH (o)-[:COVERS]->(a)
WHERE o.kind = 'building_group'
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
