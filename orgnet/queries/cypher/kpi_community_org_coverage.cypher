// id: kpi_community_org_coverage
// kind: kpi
// title_zh: 社区党组织覆盖率
// title_en: Community party organization coverage
// description_zh: 有社区党组织（社区党委/党总支/党支部）覆盖的社区占全部社区的比例（一社区一支部）。
// description_en: Share of communities covered by a community_committee (one community, one party organization).
// source: 002 §四.1 一社区一支部
// group: coverage
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (a:Community)
OPTIONAL MATCH (o)-[:COVERS]->(a)
WHERE o.kind = 'community_committee'
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
