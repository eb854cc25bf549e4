// id: kpi_compound_org_coverage
// kind: kpi
// title_zh: 小区党支部覆盖率
// title_en: Compound party branch coverage
// description_zh: 有小区党支部覆盖的小区占全部小区的比例。
// description_en: Share of compounds covered by a compound_branch.
// source: 001 小区党支部为骨干
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (a:Compound)
OPTIONAL MATCH (o)-[:COVERS]->(a)
WHERE o.kind = 'compound_branch'
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
