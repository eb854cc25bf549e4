// id: branch_too_small
// kind: rule
// title_zh: 党支部正式党员不足3人
// title_en: Branches with fewer than 3 formal members
// description_zh: 组织形式为党支部、组织关系直接在本支部的正式党员少于3人（政策参数 branch_min_formal）的党组织；下属党小组中的党员不计入。
// description_en: Organizations of form branch whose own formal members (membership filed directly in the branch) are fewer than 3 (policy branch_min_formal); members filed in groups below it do not count.
// source: 《中国共产党支部工作条例（试行）》第五条
// severity: medium
// remedy_zh: 发展或转入党员使正式党员达到3人以上；不足3人的，与邻近单位或小区组建联合党支部，或撤销后由上级党组织直接管理。
// remedy_en: Bring the formal members to 3 or more; otherwise form a joint branch with neighbouring units or compounds, or dissolve it and have the higher organization manage the members.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_min_formal int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg {form: 'branch'})
OPTIONAL MATCH (x)<-[:MEMBER_OF]-(m:Member)
WITH x, count(m) AS members, count(CASE WHEN m.status = 'formal' THEN m END) AS formal
WHERE formal < $branch_min_formal
WITH x, '正式党员' + toString(formal) + '人（党员' + toString(members) + '人），少于' + toString($branch_min_formal) + '人' AS detail
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c1:Community)
WITH detail, x, collect(DISTINCT c1) AS c1s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c2:Community)
WITH detail, x, c1s, collect(DISTINCT c2) AS c2s
WITH detail, x, c1s + c2s AS cs
WITH detail, x, cs, reduce(mn = null, c IN cs | CASE WHEN mn IS NULL OR c.id < mn THEN c.id ELSE mn END) AS community_id
WITH detail, x, cs, community_id, head([c IN cs WHERE c.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF*1..]->(s1:Street)
WITH detail, x, cs, community_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s2:Street)
WITH detail, x, cs, community_id, s1s, collect(DISTINCT s2) AS s2s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s3:Street)
WITH detail, x, cs, community_id, s1s, s2s, collect(DISTINCT s3) AS s3s
WITH detail, x, cs, community_id, CASE WHEN size(s1s) > 0 THEN s1s ELSE s2s + s3s END AS ss
WITH detail, x, cs, community_id, ss, reduce(mn = null, s IN ss | CASE WHEN mn IS NULL OR s.id < mn THEN s.id ELSE mn END) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'branch_too_small' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '发展或转入党员使正式党员达到3人以上；不足3人的，与邻近单位或小区组建联合党支部，或撤销后由上级党组织直接管理。' AS remedy
ORDER BY street_id, community_id, id
