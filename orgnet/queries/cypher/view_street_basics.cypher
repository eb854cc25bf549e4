// id: view_street_basics
// kind: view
// title_zh: 城市基层党建基本情况（按街道）
// title_en: Urban party building at a glance, per street
// description_zh: 每个街道一组计数（measure, n）：社区数（communities）；党组织按组织形式（org_committee 党委、org_general_branch 党总支、org_branch 党支部、org_group 党小组）——党组织归属其负责区域或所在单位所在的街道；党员按类别（members_in_service 在职、members_retired 离退休、members_floating 流动、members_other 其他）——按组织关系所在党组织归属；生效的共建协议（agreements：状态生效且未过期，一方为归属该街道的党组织或位于该街道的单位）；统计日前12个月内街道内党组织召集的联席会议（meetings_street 街道级、meetings_community 社区级）；在街道党工委、社区党组织任兼职委员的人数（part_time_members，任职有效）。
// description_en: Per street a set of counts (measure, n): communities; party organizations by form (placed in the street of the areas they cover or of the units they are based in); members by category (placed by their organization); active co-building agreements (status active and not expired, a party org or unit of the street a party); joint meetings convened by the street's organizations in the 12 months before as_of (after $since), by level; people holding part_time_member on the street committee or a community committee of the street on as_of.
// source: 000 城市基层党建基本情况; 003; 004
// param: as_of date =today
// param: since date =null
// param: street_id str =null
// columns: street_id, street, measure, n
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (c:Community)-[:PART_OF]->(s)
RETURN s.id AS street_id, s.name AS street, 'communities' AS measure, count(c) AS n
UNION ALL
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (o1:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s)
WITH s, collect(DISTINCT o1) AS covering
OPTIONAL MATCH (o2:PartyOrg)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s)
WITH s, covering, collect(DISTINCT o2) AS based
WITH s, covering + based AS orgs
UNWIND orgs AS o
WITH DISTINCT s, o
RETURN s.id AS street_id, s.name AS street, 'org_' + coalesce(o.form, 'unknown') AS measure, count(o) AS n
UNION ALL
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (o1:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s)
WITH s, collect(DISTINCT o1) AS covering
OPTIONAL MATCH (o2:PartyOrg)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s)
WITH s, covering, collect(DISTINCT o2) AS based
WITH s, covering + based AS orgs
UNWIND orgs AS o
WITH DISTINCT s, o
MATCH (m:Member)-[:MEMBER_OF]->(o)
WITH DISTINCT s, m
RETURN s.id AS street_id, s.name AS street, 'members_' + coalesce(m.category, 'other') AS measure, count(m) AS n
UNION ALL
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (o1:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s)
WITH s, collect(DISTINCT o1) AS covering
OPTIONAL MATCH (o2:PartyOrg)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s)
WITH s, covering, collect(DISTINCT o2) AS based
OPTIONAL MATCH (u:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s)
WITH s, covering, based, collect(DISTINCT u) AS units
WITH s, covering + based + units AS parties
UNWIND parties AS p
MATCH (p)-[:PARTY_TO]->(g:Agreement)
WITH DISTINCT s, g
WHERE g.status = 'active' AND (g.expires_on IS NULL OR g.expires_on >= $as_of)
RETURN s.id AS street_id, s.name AS street, 'agreements' AS measure, count(g) AS n
UNION ALL
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (o1:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s)
WITH s, collect(DISTINCT o1) AS covering
OPTIONAL MATCH (o2:PartyOrg)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s)
WITH s, covering, collect(DISTINCT o2) AS based
WITH s, covering + based AS orgs
UNWIND orgs AS o
WITH DISTINCT s, o
MATCH (o)-[:CONVENED]->(mt:Meeting)
WHERE mt.held_on <= $as_of AND ($since IS NULL OR mt.held_on > $since)
WITH DISTINCT s, mt
RETURN s.id AS street_id, s.name AS street, 'meetings_' + coalesce(mt.level, 'community') AS measure, count(mt) AS n
UNION ALL
MATCH (s:Street)
WHERE $street_id IS NULL OR s.id = $street_id
OPTIONAL MATCH (o1:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s)
WITH s, collect(DISTINCT o1) AS covering
UNWIND covering AS o
WITH DISTINCT s, o
WHERE o.kind IN ['street_committee', 'community_committee']
MATCH (p)-[h:HOLDS]->(o)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of)
  AND (h.until IS NULL OR h.until >= $as_of)
WITH DISTINCT s, p
RETURN s.id AS street_id, s.name AS street, 'part_time_members' AS measure, count(p) AS n
