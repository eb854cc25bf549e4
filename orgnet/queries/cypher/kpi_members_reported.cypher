// id: kpi_members_reported
// kind: kpi
// title_zh: 党员到社区报到人数
// title_en: Members reported to communities
// description_zh: 已向社区报到的党员人数（分子）；比率为其占全部党员的比例，按居住地所在社区统计。
// description_en: Members who reported to a community (the numerator); the rate is their share of all members, counted by the community of the home area.
// source: 000 近13万名党员在社区报到; 003 双报到
// group: reporting
// measure: count
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (m:Member)
OPTIONAL MATCH (m)-[:REPORTED_TO]->(r)
WITH m, count(r) > 0 AS ok
// counted per home area first, then each area placed once (not each member's path walked)
OPTIONAL MATCH (m)-[:LIVES_IN]->(a)
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
