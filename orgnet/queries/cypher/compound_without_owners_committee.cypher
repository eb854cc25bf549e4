// id: compound_without_owners_committee
// kind: rule
// title_zh: 未成立业委会的小区
// title_en: Compounds without an owners' committee
// description_zh: 没有业主委员会服务（SERVES）的小区。
// description_en: Compounds no owners_committee serves.
// source: 004 业委会全覆盖
// severity: low
// remedy_zh: 指导小区依法成立业主委员会，推动党组织领导下的业委会全覆盖。
// remedy_en: Help the owners elect an owners' committee.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Compound)
OPTIONAL MATCH (x)<-[r:SERVES]-(:Unit {kind: 'owners_committee'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'compound_without_owners_committee' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无业主委员会' AS detail, '指导小区依法成立业主委员会，推动党组织领导下的业委会全覆盖。' AS remedy
ORDER BY street_id, community_id, id
