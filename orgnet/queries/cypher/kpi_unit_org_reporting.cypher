// id: kpi_unit_org_reporting
// kind: kpi
// title_zh: 单位党组织到社区报到率
// title_en: Unit party organizations reported to their community
// description_zh: 驻区单位的单位党组织中，已向单位所在社区报到的比例；分子为向所在社区报到的单位党组织数（单位党组织双报到）。
// description_en: Share of the party orgs (unit_org) of resident units that reported to the community the unit is located in; the numerator counts the unit party organizations reported there (organizations' double reporting).
// source: 000 7400余个党组织在社区报到
// group: reporting
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (o:PartyOrg)-[:BASED_IN]->(u:Unit)-[:LOCATED_IN]->(a)
WHERE o.kind = 'unit_org' AND u.resident = true
OPTIONAL MATCH (a)-[:PART_OF*0..]->(c:Community)
WITH o, min(c.id) AS cid
OPTIONAL MATCH (o)-[r:REPORTED_TO]->(rc:Community)
WITH o, cid, sum(CASE WHEN rc.id = cid THEN 1 ELSE 0 END) > 0 AS ok
WITH cid, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS numerator, count(*) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
