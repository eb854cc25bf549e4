// id: secretary_vacant
// kind: rule
// title_zh: 书记空缺
// title_en: Secretary vacant
// description_zh: 组织形式为党委、党总支或党支部，统计日没有在任书记的党组织（任职“书记”：开始日期为空或不晚于统计日，结束日期为空或不早于统计日）；党小组不在此列。按党组织负责的区域或所在单位归属社区、街道。
// description_en: Organizations of form committee, general branch or branch with no secretary in post on the reference date (role secretary: since empty or on/before it, until empty or on/after it); groups are not checked. Placed by the areas the organization covers, else its unit's location.
// source: 《中国共产党支部工作条例（试行）》第十条起; 党章
// severity: high
// remedy_zh: 按程序尽快选举产生书记（或由上级党组织指定临时负责人），并在任职表中登记任职日期。
// remedy_en: Elect a secretary without delay (or have the higher organization appoint an interim one) and record the role with its dates.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg)
WHERE x.form IN ['committee', 'general_branch', 'branch']
OPTIONAL MATCH (x)<-[h:HOLDS]-(:Member)
WHERE h.role = 'secretary' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH x, h
WHERE h IS NULL
WITH x, CASE x.form WHEN 'committee' THEN '党委' WHEN 'general_branch' THEN '党总支' WHEN 'branch' THEN '党支部' WHEN 'group' THEN '党小组' ELSE x.form END + '，统计日无在任书记' AS detail
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
RETURN 'secretary_vacant' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '按程序尽快选举产生书记（或由上级党组织指定临时负责人），并在任职表中登记任职日期。' AS remedy
ORDER BY street_id, community_id, id
