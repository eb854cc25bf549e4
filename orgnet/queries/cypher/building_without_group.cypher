// id: building_without_group
// kind: rule
// title_zh: 楼栋未建党小组
// title_en: Buildings without a party group
// description_zh: 没有楼栋党小组负责（COVERS）的楼栋。
// description_en: Buildings that no building_group covers.
// source: 003 楼宇党小组; 001
// severity: low
// remedy_zh: 以楼栋为单位建立党小组，推选党小组长。
// remedy_en: Set up a building party group and choose its leader.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*1..2]-(x:Building)
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[r:COVERS]-(:PartyOrg {kind: 'building_group'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'building_without_group' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无楼栋党小组覆盖' AS detail, '以楼栋为单位建立党小组，推选党小组长。' AS remedy
ORDER BY street_id, community_id, id
