// id: view_pack_heads
// kind: view
// personal: secretary
// title_zh: 街道党工委、社区党组织及其书记
// title_en: Street and community party organizations with their secretaries
// description_zh: 每个街道的街道党工委、每个社区的社区党组织（负责该区域的组织中编号最小者），以及统计日在任的书记（任职有效者中编号最小者；空缺为空），供述职评议材料封面使用。
// description_en: The street working committee of every street and the community party organization of every community (the lowest id among those covering it), with the secretary in post on as_of (the lowest member id among active holders; null when vacant), for the cover of a 述职评议 pack.
// source: 000 书记述职评议考核
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: street_id, street, community_id, community, org_id, org, secretary_id, secretary
MATCH (a:Area)<-[:COVERS]-(o:PartyOrg)
WHERE (a:Community AND o.kind = 'community_committee') OR (a:Street AND o.kind = 'street_committee')
OPTIONAL MATCH (a)-[:PART_OF]->(up:Street)
WITH a, up, min(o.id) AS oid
MATCH (o:PartyOrg {id: oid})
WITH a, o, CASE WHEN a:Street THEN a ELSE up END AS s, CASE WHEN a:Community THEN a ELSE null END AS c
WHERE ($street_id IS NULL OR s.id = $street_id) AND ($community_id IS NULL OR c.id = $community_id)
OPTIONAL MATCH (m:Member)-[h:HOLDS]->(o)
WHERE h.role = 'secretary' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, o, min(m.id) AS mid
OPTIONAL MATCH (m:Member {id: mid})
RETURN s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community, o.id AS org_id,
       o.name AS org, m.id AS secretary_id, m.name AS secretary
ORDER BY street_id, community_id
