// id: view_unit_reporting
// kind: view
// title_zh: 在职党员到社区报到（按单位）
// title_en: In-service members reporting to their community, per unit
// description_zh: 机关、事业单位、国有企业，以及“隶属层级”已填且不为“无”的单位：应报到＝在此工作、居住地在本区社区内的在职党员，已报到＝其中已向社区报到的；按单位所在社区、街道归属（与规则“单位在职党员报到率低”同口径，统计表“在职党员到社区报到”逐单位列出）。
// description_en: Agencies, institutions, state enterprises and units whose affiliation is set and not none: due = in-service members working there whose home lies in a community of the district, reported = those of them who reported to a community; placed by the unit's location (the population of unit_reporting_low, every unit listed: the upward table 在职党员到社区报到).
// source: 003 双报到; 2019 中办《关于组织动员在职党员到社区报到为群众服务的通知》
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: street_id, street, community_id, community, unit_id, unit, unit_kind, due, reported
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit)
WHERE x.kind IN ['agency', 'institution', 'state_enterprise'] OR coalesce(x.affiliation, 'none') <> 'none'
WITH DISTINCT s, c, x
MATCH (x)<-[:WORKS_AT]-(m:Member {category: 'in_service'})-[:LIVES_IN]->(:Area)-[:PART_OF*0..2]->(:Community)-[:PART_OF]->(:Street)
WITH DISTINCT s, c, x, m
OPTIONAL MATCH (m)-[r:REPORTED_TO]->()
WITH s, c, x, m, count(r) > 0 AS ok
WITH s, c, x, count(m) AS due, count(CASE WHEN ok THEN 1 END) AS reported
RETURN s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       x.id AS unit_id, x.name AS unit, x.kind AS unit_kind, due, reported
ORDER BY street_id, community_id, unit_id
