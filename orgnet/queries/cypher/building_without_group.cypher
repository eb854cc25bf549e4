// id: building_without_group
// kind: rule
// title_zh: 楼栋未建党小组
// title_en: Buildings without a party group
// description_zh: 居住着不少于3名正式党员（政策设置 branch_min_formal）、已有网格党支部或小区党支部覆盖（覆盖该楼栋或其所在网格、小区），却没有楼栋党小组负责（COVERS）的楼栋；没有党支部覆盖的楼栋先建支部（见网格、小区规则）。
// description_en: Buildings where at least branch_min_formal (policy, default 3) formal members live, covered by a grid_branch or compound_branch (covering the building, its grid or its compound), that no building_group covers; a building no branch covers needs the branch first (the grid and compound rules).
// source: 003 楼宇党小组; 001
// severity: low
// remedy_zh: 以楼栋为单位建立党小组，推选党小组长。
// remedy_en: Set up a building party group and choose its leader.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_min_formal int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*1..2]-(x:Building)
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[:LIVES_IN]-(m:Member {status: 'formal'})
WITH s, c, x, count(DISTINCT m) AS living
WHERE living >= $branch_min_formal
OPTIONAL MATCH (x)<-[r:COVERS]-(:PartyOrg {kind: 'building_group'})
WITH s, c, x, living, count(r) AS groups
WHERE groups = 0
OPTIONAL MATCH (x)-[:PART_OF*0..1]->(:Area)<-[:COVERS]-(o:PartyOrg)
WHERE o.kind IN ['grid_branch', 'compound_branch']
WITH s, c, x, living, count(o) AS branches
WHERE branches > 0
RETURN 'building_without_group' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       toString(living) + '名正式党员居住，有党支部覆盖，无楼栋党小组' AS detail, '以楼栋为单位建立党小组，推选党小组长。' AS remedy
ORDER BY street_id, community_id, id
