// id: compound_without_branch
// kind: rule
// title_zh: 小区未建党支部
// title_en: Compounds without a party branch
// description_zh: 没有小区党支部负责（COVERS）的小区。
// description_en: Compounds that no compound_branch covers.
// source: 001 小区党支部为骨干
// severity: medium
// remedy_zh: 依托小区党员组建小区（院落）党支部，发挥骨干作用。
// remedy_en: Set up a compound party branch with the members living there.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Compound)
OPTIONAL MATCH (x)<-[r:COVERS]-(:PartyOrg {kind: 'compound_branch'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'compound_without_branch' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无小区党支部覆盖' AS detail, '依托小区党员组建小区（院落）党支部，发挥骨干作用。' AS remedy
ORDER BY street_id, community_id, id
