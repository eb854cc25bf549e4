// id: kpi_in_service_reporting
// kind: kpi
// title_zh: 在职党员双报到率
// title_en: In-service member reporting rate
// description_zh: 有居住地的在职党员中，已向社区报到的比例（双报到）；按居住地所在社区统计。
// description_en: Share of in-service members with a home area who reported to a community (double reporting); counted by the community of the home area.
// source: 003 双报到
// group: reporting
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (m:Member)-[:LIVES_IN]->(a)
WHERE m.category = 'in_service'
OPTIONAL MATCH (m)-[:REPORTED_TO]->(r)
WITH a, m, count(r) > 0 AS ok
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
