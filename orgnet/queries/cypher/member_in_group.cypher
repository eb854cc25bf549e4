// id: member_in_group
// kind: rule
// personal: name
// title_zh: 组织关系在党小组
// title_en: Membership filed in a party group
// description_zh: 组织关系所在党组织（org_id）的组织形式为党小组的党员。党小组设在党支部内，党员组织关系应在党支部或党委，这是数据或设置错误。按该党小组归属社区、街道。
// description_en: Members whose organization (org_id) has the form group: a group sits inside a branch and a membership belongs in a branch or committee, so this is a data or set-up error. Placed by the group.
// source: 党章; 《中国共产党支部工作条例（试行）》
// severity: medium
// remedy_zh: 将组织关系转入党小组所在的党支部（党小组不是党员组织关系的所在单位），党员仍可参加本党小组活动。
// remedy_en: File the membership in the branch the group belongs to (a group cannot hold memberships); the member keeps taking part in the group.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (m:Member)-[:MEMBER_OF]->(x:PartyOrg {form: 'group'})
WITH m, x, '组织关系在党小组（' + coalesce(x.name, x.id) + '）' AS detail
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c1:Community)
WITH m, detail, x, collect(DISTINCT c1) AS c1s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c2:Community)
WITH m, detail, x, c1s, collect(DISTINCT c2) AS c2s
WITH m, detail, x, c1s + c2s AS cs
WITH m, detail, x, cs, reduce(mn = null, c IN cs | CASE WHEN mn IS NULL OR c.id < mn THEN c.id ELSE mn END) AS community_id
WITH m, detail, x, cs, community_id, head([c IN cs WHERE c.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF*1..]->(s1:Street)
WITH m, detail, x, cs, community_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s2:Street)
WITH m, detail, x, cs, community_id, s1s, collect(DISTINCT s2) AS s2s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s3:Street)
WITH m, detail, x, cs, community_id, s1s, s2s, collect(DISTINCT s3) AS s3s
WITH m, detail, x, cs, community_id, CASE WHEN size(s1s) > 0 THEN s1s ELSE s2s + s3s END AS ss
WITH m, detail, x, cs, community_id, ss, reduce(mn = null, s IN ss | CASE WHEN mn IS NULL OR s.id < mn THEN s.id ELSE mn END) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'member_in_group' AS rule, m.id AS id, m.name AS name, m.category AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '将组织关系转入党小组所在的党支部（党小组不是党员组织关系的所在单位），党员仍可参加本党小组活动。' AS remedy
ORDER BY street_id, community_id, id
