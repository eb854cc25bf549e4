// id: grid_without_branch
// kind: rule
// title_zh: 网格未建党支部
// title_en: Grids without a party branch
// description_zh: 居住着不少于3名正式党员（政策设置 branch_min_formal；居住地为该网格或其下楼栋）、却没有网格党支部负责（COVERS）的网格。网格与小区范围相同时（小区至少有一栋楼，其楼栋都在该网格内，且网格内楼栋不属其他小区），一个网格党支部或小区党支部覆盖其中之一即可。
// description_en: Grids where at least branch_min_formal (policy, default 3) formal members live (home area the grid or a building below it) that no grid_branch covers. A grid that is also a compound (the compound has a building, all its buildings lie in the grid, and no building of the grid belongs to another compound) passes when a grid_branch or compound_branch covers either of them.
// source: 004 网格党支部; 支部工作条例 第五条
// severity: medium
// remedy_zh: 在网格内建立网格党支部，选派网格党支部书记。
// remedy_en: Set up a grid party branch and appoint its secretary.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_min_formal int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Grid)
OPTIONAL MATCH (x)<-[:PART_OF*0..1]-(:Area)<-[:LIVES_IN]-(m:Member {status: 'formal'})
WITH s, c, x, count(DISTINCT m) AS living
WHERE living >= $branch_min_formal
OPTIONAL MATCH (x)<-[:PART_OF]-(:Building)-[:PART_OF]->(k:Compound)
WITH s, c, x, living, collect(DISTINCT k) AS ks
WITH s, c, x, living, CASE WHEN size(ks) = 1 THEN ks[0] END AS k
OPTIONAL MATCH (k)<-[:PART_OF]-(kb:Building)
OPTIONAL MATCH (kb)-[inside:PART_OF]->(x)
WITH s, c, x, living, k, count(kb) AS k_buildings, sum(CASE WHEN kb IS NOT NULL AND inside IS NULL THEN 1 ELSE 0 END) AS outside
WITH s, c, x, living, CASE WHEN k_buildings > 0 AND outside = 0 THEN k END AS k
OPTIONAL MATCH (x)<-[r1:COVERS]-(o1:PartyOrg)
WHERE o1.kind = 'grid_branch' OR (k IS NOT NULL AND o1.kind = 'compound_branch')
WITH s, c, x, living, k, count(r1) AS n1
OPTIONAL MATCH (k)<-[r2:COVERS]-(o2:PartyOrg)
WHERE o2.kind IN ['grid_branch', 'compound_branch']
WITH s, c, x, living, k, n1, count(r2) AS n2
WHERE n1 + n2 = 0
RETURN 'grid_without_branch' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       toString(living) + '名正式党员居住，' + CASE WHEN k IS NULL THEN '无网格党支部覆盖' ELSE '网格与小区' + k.name + '范围相同，无网格或小区党支部覆盖' END AS detail,
       '在网格内建立网格党支部，选派网格党支部书记。' AS remedy
ORDER BY street_id, community_id, id
