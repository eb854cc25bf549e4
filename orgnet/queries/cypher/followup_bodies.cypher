// id: followup_bodies
// kind: view
// scope: nodes area_id, org_id
// title_zh: 社区党组织与街道党工委
// title_en: Community party orgs and street working committees
// description_zh: 每个社区、街道覆盖它的社区党组织或街道党工委（多个时取编号最小者），整改督办的默认责任主体。
// description_en: The community party org or street working committee covering each community and street (smallest id when several): the default responsible body of a follow-up record.
// source: 003 街道党工委直接责任、社区党组织具体责任
// param: street_id str =null
// param: community_id str =null
// columns: area_id, level, org_id, org
MATCH (o:PartyOrg)-[:COVERS]->(a:Area)
WHERE (o.kind = 'community_committee' AND a:Community) OR (o.kind = 'street_committee' AND a:Street)
WITH a, o ORDER BY o.id
WITH a, collect(o)[0] AS o
WHERE ($street_id IS NULL OR a.id = $street_id OR a:Community)
  AND ($community_id IS NULL OR a.id = $community_id OR a:Street)
RETURN a.id AS area_id, a.level AS level, o.id AS org_id, o.name AS org
ORDER BY area_id
