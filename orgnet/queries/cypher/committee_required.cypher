// id: committee_required
// kind: rule
// title_zh: 党员100人以上未设党委
// title_en: 100 or more members but no party committee
// description_zh: 本组织及其下属组织（逐级隶属）的党员合计100人以上（政策参数 committee_min_members），组织形式却不是党委的党组织。
// description_en: Organizations with 100 or more members in them and in the organizations under them at any depth (policy committee_min_members) whose form is not committee.
// source: 党章; 《中国共产党支部工作条例（试行）》第五条
// severity: medium
// remedy_zh: 党员100人以上的，经上级党组织批准召开党员大会选举产生党的基层委员会（党委），下设党支部。
// remedy_en: With 100 or more members, and the higher organization's approval, elect a primary-level party committee with branches under it.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: committee_min_members int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (m:Member)-[:MEMBER_OF]->(:PartyOrg)-[:SUBORDINATE_TO*0..]->(x:PartyOrg)
WITH x, count(DISTINCT m) AS members
WHERE members >= $committee_min_members AND x.form <> 'committee'
WITH x, '本组织及下属组织党员' + toString(members) + '人，组织形式为' + CASE x.form WHEN 'committee' THEN '党委' WHEN 'general_branch' THEN '党总支' WHEN 'branch' THEN '党支部' WHEN 'group' THEN '党小组' ELSE x.form END + '，未设党委' AS detail
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
RETURN 'committee_required' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '党员100人以上的，经上级党组织批准召开党员大会选举产生党的基层委员会（党委），下设党支部。' AS remedy
ORDER BY street_id, community_id, id
