// id: linkage_channels
// kind: linkage
// title_zh: 社区与驻区单位联建强度（八个渠道计数）
// title_en: Linkage channels between communities and units
// description_zh: 对每个社区C与单位U，统计八个联建渠道：有效共建协议、兼职委员、双报到党员、居住在C的党员、资源对接需求、认领服务、联席会议参会、单位党组织向C报到（截至统计日）；列出任一渠道大于0的组合，以及驻区单位与其所在社区的组合（即使全为0）。有日期的渠道只计时间窗内的事件（窗口在 linkage.toml [windows] 设定，默认报到、对接、认领各24个月，会议12个月）：起点 < 日期 ≤ 统计日期；无日期的事件只在窗口为0（不限）时计入。每行为一个组合的一个渠道（channel 1–8 依次为上述八个渠道，n 为计数；channel 0、n 为 0 表示驻区单位与其所在社区的组合），由调用方按组合汇总成八列。
// description_en: For every community C and unit U, the eight co-building channel counts of the linkage score sheet (active agreements, part-time committee members, reported members, members living in C, resources matched to C's needs, C's services claimed, C's meetings attended, the unit's party orgs reported to C up to as_of); every pair with a channel above zero, plus each resident unit with its own community even at zero. The dated channels count only the events of their window ([windows] in linkage.toml; by default 24 months for reports, matches and claims, 12 for meetings): <channel>_since < date <= as_of; an event without a date counts only where the window is 0 (a null <channel>_since). A null <channel>_since is no lower bound (the library always passes the configured windows). One row per pair and channel (long format, summed into the eight columns by the caller, orgnet.queries.linkage.channel_table): channel 1–8 = the eight channels in that order with n their count; channel 0 with n = 0 marks a resident unit with its own community. Each channel is matched and counted on its own (UNION ALL), starting from the communities in scope, which is several times faster on FalkorDB than one list of every event counted at the end.
// source: 001 组织联建、党建联抓、资源联用、服务联手、活动联办; 004
// values: scalar
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: reported_members_since date =null
// param: matched_resources_since date =null
// param: services_since date =null
// param: meetings_since date =null
// columns: community_id, community, street_id, street, unit_id, unit, unit_kind, resident, channel, n
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)-[:LOCATED_IN]->()-[:PART_OF*0..]->(c:Community)
WHERE u.resident = true
WITH DISTINCT c, st, u
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 0 AS channel, 0 AS n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:BASED_IN*0..1]-()-[:PARTY_TO]->(ag)<-[:PARTY_TO]-(o)-[:COVERS]->(c:Community)
WHERE o.kind = 'community_committee' AND ag.status = 'active'
  AND (ag.expires_on IS NULL OR ag.expires_on >= $as_of)
WITH c, st, u, count(DISTINCT ag) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 1 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:WORKS_AT]-(m)-[h:HOLDS]->(o)-[:COVERS]->(c:Community)
WHERE h.role = 'part_time_member' AND o.kind = 'community_committee'
  AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
WITH c, st, u, count(DISTINCT m) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 2 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:WORKS_AT]-(m)-[rp:REPORTED_TO]->(c:Community)
WHERE (rp.`on` IS NULL AND $reported_members_since IS NULL)
   OR (rp.`on` <= $as_of AND ($reported_members_since IS NULL OR rp.`on` > $reported_members_since))
WITH c, st, u, count(DISTINCT m) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 3 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:WORKS_AT]-(m)-[:LIVES_IN]->()-[:PART_OF*0..]->(c:Community)
WITH c, st, u, count(DISTINCT m) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 4 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)-[:OFFERS]->(r)-[f:FULFILS]->()<-[:RAISED]-(c:Community)
WHERE (f.`on` IS NULL AND $matched_resources_since IS NULL)
   OR (f.`on` <= $as_of AND ($matched_resources_since IS NULL OR f.`on` > $matched_resources_since))
WITH c, st, u, count(DISTINCT r) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 5 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:WORKS_AT]-()-[cl:CLAIMED]->(s)<-[:POSTED]-(c:Community)
WHERE (cl.`on` IS NULL AND $services_since IS NULL)
   OR (cl.`on` <= $as_of AND ($services_since IS NULL OR cl.`on` > $services_since))
WITH c, st, u, count(DISTINCT s) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 6 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:BASED_IN*0..1]-()-[:ATTENDED]->(mt)<-[:CONVENED]-(o)-[:COVERS]->(c:Community)
WHERE o.kind = 'community_committee' AND mt.held_on <= $as_of
  AND ($meetings_since IS NULL OR mt.held_on > $meetings_since)
WITH c, st, u, count(DISTINCT mt) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 7 AS channel, n
UNION ALL
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(st:Street)
WITH c, st
WHERE $street_id IS NULL OR st.id = $street_id
MATCH (u:Unit)<-[:BASED_IN]-(o:PartyOrg)-[r:REPORTED_TO]->(c:Community)
WHERE r.`on` IS NULL OR r.`on` <= $as_of
WITH c, st, u, count(DISTINCT o) AS n
RETURN c.id AS community_id, c.name AS community, st.id AS street_id, st.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident, 8 AS channel, n
