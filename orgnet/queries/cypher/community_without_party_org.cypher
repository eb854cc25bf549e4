// id: community_without_party_org
// kind: rule
// title_zh: 社区未建党组织
// title_en: Communities without a party organization
// description_zh: 没有社区党组织（社区党委/党总支/党支部）负责（COVERS）的社区。
// description_en: Communities that no community_committee covers.
// source: 002 §四.1 一社区一支部
// severity: high
// remedy_zh: 按照“一社区一支部”要求，尽快组建社区党组织（党委/党总支/党支部）。
// remedy_en: Set up a community party organization (one community, one organization).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
WITH s, c, c AS x
OPTIONAL MATCH (x)<-[r:COVERS]-(:PartyOrg {kind: 'community_committee'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'community_without_party_org' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无社区党组织（社区党委/党总支/党支部）覆盖' AS detail, '按照“一社区一支部”要求，尽快组建社区党组织（党委/党总支/党支部）。' AS remedy
ORDER BY street_id, community_id, id
