// id: branch_over_50
// kind: rule
// title_zh: 党支部党员超过50人
// title_en: Branches with more than 50 members
// description_zh: 组织形式为党支部、组织关系直接在本支部的党员（含预备党员）超过50人（政策参数 branch_max_members）的党组织，应分设党支部或成立党总支。
// description_en: Organizations of form branch whose own members (formal and probationary, filed directly in the branch) exceed 50 (policy branch_max_members): split it or form a general branch.
// source: 《中国共产党支部工作条例（试行）》第五条、第六条
// severity: medium
// remedy_zh: 按工作单位、居住区域或网格分设党支部；党员50人以上、确有需要的，经上级党组织批准成立党总支。
// remedy_en: Split the branch by workplace, residence or grid; where needed, and approved by the higher organization, form a general branch.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: branch_max_members int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg {form: 'branch'})<-[:MEMBER_OF]-(m:Member)
WITH x, count(m) AS members
WHERE members > $branch_max_members
WITH x, '党员' + toString(members) + '人，超过' + toString($branch_max_members) + '人' AS detail
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
RETURN 'branch_over_50' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '按工作单位、居住区域或网格分设党支部；党员50人以上、确有需要的，经上级党组织批准成立党总支。' AS remedy
ORDER BY street_id, community_id, id
