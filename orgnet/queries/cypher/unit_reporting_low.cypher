// id: unit_reporting_low
// kind: rule
// title_zh: 单位在职党员报到率低
// title_en: Units whose in-service members report too rarely
// description_zh: 机关、事业单位、国有企业，以及“隶属层级”已填且不为“无”的单位中，在职党员到居住地社区报到率低于政策设置 reporting_rate_min（默认80%）的单位：应报到＝在此工作、居住地在本区社区内的在职党员，已报到＝其中已向社区报到的（与“未到居住地社区报到的在职党员”同口径）；按单位所在社区、街道归属，是街道向各单位下发的督促清单。
// description_en: Agencies, institutions, state enterprises and units whose affiliation is set and not none whose in-service members' reporting rate is below reporting_rate_min (policy, default 80%): due = in-service members working there whose home area lies in a community of the district, reported = those of them who reported to a community (the population of in_service_not_reported); placed by the unit's location — the list a street sends to each unit.
// source: 003 双报到; 2019 中办《关于组织动员在职党员到社区报到为群众服务的通知》
// severity: medium
// remedy_zh: 向单位党组织下发报到督促清单，由单位组织未报到党员到居住地社区报到。
// remedy_en: Send the unit's party organization the list of its members who have not reported, and have the unit get them to report.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: reporting_rate_min int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
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
WHERE reported * 100 < due * $reporting_rate_min
RETURN 'unit_reporting_low' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '应报到' + toString(due) + '人，已报到' + toString(reported) + '人，报到率' + toString(reported * 100 / due) + '%，低于' + toString($reporting_rate_min) + '%' AS detail,
       '向单位党组织下发报到督促清单，由单位组织未报到党员到居住地社区报到。' AS remedy
ORDER BY street_id, community_id, id
