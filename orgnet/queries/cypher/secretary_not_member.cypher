// id: secretary_not_member
// kind: rule
// personal: name
// title_zh: 书记非本组织党员
// title_en: Secretary not a member of the organization
// description_zh: 统计日在任的书记，其组织关系既不在所任职的党组织，也不在该组织的下属组织（含无组织关系、组织关系在区外）；每名党员一行，兼任多个组织书记的一并列出，按其中编号最小的党组织归属社区、街道。
// description_en: Secretaries in post on the reference date whose membership is neither in the organization they lead nor in one under it (including no organization or one outside the district); one row per member, every such organization listed, placed by the one with the smallest id.
// source: 《中国共产党支部工作条例（试行）》第十条起; 党章
// severity: high
// remedy_zh: 将书记的组织关系转入本组织（或其下属组织），或按程序由本组织党员担任书记。
// remedy_en: Transfer the secretary's membership into the organization (or one under it), or have one of its members elected secretary.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (m:Member)-[h:HOLDS]->(x0:PartyOrg)
WHERE h.role = 'secretary' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)-[:SUBORDINATE_TO*0..]->(x0)
WITH m, x0, o
WHERE o IS NULL
WITH m, x0 ORDER BY x0.id
WITH m, collect(DISTINCT x0) AS led
OPTIONAL MATCH (m)-[:MEMBER_OF]->(own:PartyOrg)
WITH m, led, head(led) AS x, min(own.name) AS own_name
WITH m, x, '任' + reduce(t = '', k IN led | t + CASE WHEN t = '' THEN '' ELSE '、' END + coalesce(k.name, k.id)) + '书记，不是该组织或其下属组织党员（'
       + CASE WHEN own_name IS NOT NULL THEN '组织关系在' + own_name
              WHEN m.org_outside IS NOT NULL AND m.org_outside <> '' THEN '组织关系在区外：' + m.org_outside
              ELSE '无组织关系' END + '）' AS detail
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
RETURN 'secretary_not_member' AS rule, m.id AS id, m.name AS name, m.category AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '将书记的组织关系转入本组织（或其下属组织），或按程序由本组织党员担任书记。' AS remedy
ORDER BY street_id, community_id, id
