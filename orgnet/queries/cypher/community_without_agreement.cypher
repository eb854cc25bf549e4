// id: community_without_agreement
// kind: rule
// title_zh: 无生效共建协议的社区
// title_en: Communities without an active agreement
// description_zh: 社区党组织没有任何生效共建协议的社区（没有社区党组织的社区也算）。
// description_en: Communities with no active agreement through their community party org (a community with no party org counts too).
// source: 000 共驻共建
// severity: medium
// remedy_zh: 由社区党组织牵头，与驻区单位签订共建协议。
// remedy_en: Have the community party organization sign agreements with resident units.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
WITH s, c, c AS x
OPTIONAL MATCH (x)<-[:COVERS]-(o:PartyOrg {kind: 'community_committee'})
WITH s, c, x, count(DISTINCT o) AS orgs
OPTIONAL MATCH (x)<-[:COVERS]-(:PartyOrg {kind: 'community_committee'})-[:PARTY_TO]->(a:Agreement)
WHERE a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= $as_of)
WITH s, c, x, orgs, count(a) AS active
WHERE active = 0
RETURN 'community_without_agreement' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN orgs = 0 THEN '未建社区党组织，无生效共建协议' ELSE '社区党组织无生效共建协议' END AS detail, '由社区党组织牵头，与驻区单位签订共建协议。' AS remedy
ORDER BY street_id, community_id, id
