// id: grid_without_branch
// kind: rule
// title_zh: 网格未建党支部
// title_en: Grids without a party branch
// description_zh: 没有网格党支部负责（COVERS）的网格。
// description_en: Grids that no grid_branch covers.
// source: 004 网格党支部
// severity: medium
// remedy_zh: 在网格内建立网格党支部，选派网格党支部书记。
// remedy_en: Set up a grid party branch and appoint its secretary.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Grid)
OPTIONAL MATCH (x)<-[r:COVERS]-(:PartyOrg {kind: 'grid_branch'})
WITH s, c, x, r
WHERE r IS NULL
RETURN 'grid_without_branch' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '无网格党支部覆盖' AS detail, '在网格内建立网格党支部，选派网格党支部书记。' AS remedy
ORDER BY street_id, community_id, id
