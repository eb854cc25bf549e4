// id: unit_org_not_reported
// kind: rule
// title_zh: 未向所在社区报到的单位党组织
// title_en: Unit party organizations not reported to their community
// description_zh: 驻区单位的单位党组织，未向单位所在社区报到（单位党组织双报到；党员个人报到另见在职党员未报到）。
// description_en: Party orgs (unit_org) of resident units that have not reported to the community the unit is located in (organizations' double reporting, distinct from members reporting).
// source: 000 7400余个党组织在社区报到; 003 双报到
// severity: medium
// remedy_zh: 督促单位党组织到所在社区报到，认领服务项目，参加社区党建联席会议。
// remedy_en: Have the unit's party org report to its community, take on service projects and join the community's joint meeting.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(:Unit {resident: true})<-[:BASED_IN]-(o:PartyOrg {kind: 'unit_org'})
WITH DISTINCT s, c, o
OPTIONAL MATCH (o)-[r:REPORTED_TO]->(c)
WITH s, c, o, count(r) AS here
WHERE here = 0
OPTIONAL MATCH (o)-[:REPORTED_TO]->(other:Community)
WITH s, c, o, count(other) AS elsewhere
RETURN 'unit_org_not_reported' AS rule, o.id AS id, o.name AS name, o.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN elsewhere > 0 THEN '已向其他社区报到，未向单位所在社区报到' ELSE '未向单位所在社区报到' END AS detail,
       '督促单位党组织到所在社区报到，认领服务项目，参加社区党建联席会议。' AS remedy
ORDER BY street_id, community_id, id
