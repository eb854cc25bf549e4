// id: in_service_not_reported
// kind: rule
// title_zh: 未到社区报到的在职党员
// title_en: In-service members who have not reported
// description_zh: 有居住地但没有向任何社区报到（双报到）的在职党员。
// description_en: In-service members with a home area and no report to a community.
// source: 003 双报到
// severity: medium
// remedy_zh: 通知在职党员到居住地社区报到，认领服务岗位。
// remedy_en: Ask the member to report to the home community (double reporting).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Member {category: 'in_service'})-[:LIVES_IN]->(:Area)
WITH DISTINCT x
WHERE NOT (x)-[:REPORTED_TO]->(:Community)
OPTIONAL MATCH (x)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS community_id, collect(DISTINCT c) AS cs
OPTIONAL MATCH (x)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH x, community_id, cs, min(s.id) AS street_id, collect(DISTINCT s) AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'in_service_not_reported' AS rule, x.id AS id, x.name AS name, x.category AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '在职党员，未到居住社区报到' AS detail, '通知在职党员到居住地社区报到，认领服务岗位。' AS remedy
ORDER BY street_id, community_id, id
