// id: compound_without_branch
// kind: rule
// title_zh: 小区未建党支部
// title_en: Compounds without a party branch
// description_zh: 居住着不少于3名正式党员（政策设置 branch_min_formal；居住地为该小区或其下楼栋）、却没有小区党支部负责（COVERS）的小区。小区与网格范围相同时（小区至少有一栋楼，其楼栋都在同一网格内，且该网格内楼栋不属其他小区），一个小区党支部或网格党支部覆盖其中之一即可。
// description_en: Compounds where at least branch_min_formal (policy, default 3) formal members live (home area the compound or a building below it) that no compound_branch covers. A compound that is also a grid (it has a building, all its buildings lie in one grid, and no building of that grid belongs to another compound) passes when a grid_branch or compound_branch covers either of them.
// source: 001 小区党支部为骨干; 支部工作条例 第五条
// severity: medium
// remedy_zh: 依托小区党员组建小区（院落）党支部，发挥骨干作用。
// remedy_en: Set up a compound party branch with the members living there.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_min_formal int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF]-(x:Compound)
OPTIONAL MATCH (x)<-[:PART_OF*0..1]-(:Area)<-[:LIVES_IN]-(m:Member {status: 'formal'})
WITH s, c, x, count(DISTINCT m) AS living
WHERE living >= $branch_min_formal
OPTIONAL MATCH (x)<-[:PART_OF]-(b:Building)
OPTIONAL MATCH (b)-[:PART_OF]->(g:Grid)
WITH s, c, x, living, count(b) AS buildings, sum(CASE WHEN b IS NOT NULL AND g IS NULL THEN 1 ELSE 0 END) AS loose, collect(DISTINCT g) AS gs
WITH s, c, x, living, CASE WHEN buildings > 0 AND loose = 0 AND size(gs) = 1 THEN gs[0] END AS g
OPTIONAL MATCH (g)<-[:PART_OF]-(:Building)-[:PART_OF]->(k2:Compound)
WITH s, c, x, living, g, collect(DISTINCT k2) AS k2s
WITH s, c, x, living, CASE WHEN size(k2s) = 1 THEN g END AS g
OPTIONAL MATCH (x)<-[r1:COVERS]-(o1:PartyOrg)
WHERE o1.kind = 'compound_branch' OR (g IS NOT NULL AND o1.kind = 'grid_branch')
WITH s, c, x, living, g, count(r1) AS n1
OPTIONAL MATCH (g)<-[r2:COVERS]-(o2:PartyOrg)
WHERE o2.kind IN ['grid_branch', 'compound_branch']
WITH s, c, x, living, g, n1, count(r2) AS n2
WHERE n1 + n2 = 0
RETURN 'compound_without_branch' AS rule, x.id AS id, x.name AS name, x.level AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       toString(living) + '名正式党员居住，' + CASE WHEN g IS NULL THEN '无小区党支部覆盖' ELSE '小区与网格' + g.name + '范围相同，无小区或网格党支部覆盖' END AS detail,
       '依托小区党员组建小区（院落）党支部，发挥骨干作用。' AS remedy
ORDER BY street_id, community_id, id
