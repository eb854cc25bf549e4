// id: linkage_channels
// kind: linkage
// title_zh: 社区与驻区单位联建强度（七个渠道计数）
// title_en: Linkage channels between communities and units
// description_zh: 对每个社区C与单位U，统计七个联建渠道：有效共建协议、兼职委员、双报到党员、居住在C的党员、资源对接需求、认领服务、联席会议参会；列出任一渠道大于0的组合，以及驻区单位与其所在社区的组合（即使全为0）。有日期的渠道只计时间窗内的事件（窗口在 linkage.toml [windows] 设定，默认报到、对接、认领各24个月，会议12个月）：起点 < 日期 ≤ 统计日期；无日期的事件照计。
// description_en: For every community C and unit U, the seven co-building channel counts of DESIGN §6 (active agreements, part-time committee members, reported members, members living in C, resources matched to C's needs, C's services claimed, C's meetings attended); every pair with a channel above zero, plus each resident unit with its own community even at zero. The dated channels count only the events of their window ([windows] in linkage.toml; by default 24 months for reports, matches and claims, 12 for meetings): <channel>_since < date <= as_of; an event without a date counts. A null <channel>_since is no lower bound (the library always passes the configured windows).
// source: 001 组织联建、党建联抓、资源联用、服务联手、活动联办; 004
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: reported_members_since date =null
// param: matched_resources_since date =null
// param: services_since date =null
// param: meetings_since date =null
// columns: community_id, community, street_id, street, unit_id, unit, unit_kind, resident, agreements, part_time_members, reported_members, resident_members, matched_resources, services, meetings
MATCH (sc:Community)
OPTIONAL MATCH (sc)-[:PART_OF]->(ss:Street)
WITH sc, ss
WHERE ($community_id IS NULL OR sc.id = $community_id) AND ($street_id IS NULL OR ss.id = $street_id)
WITH $community_id IS NULL AND $street_id IS NULL AS everywhere, collect(DISTINCT sc.id) AS scope
WITH everywhere, scope,
  [(u:Unit)-[:LOCATED_IN]->()-[:PART_OF*0..]->(c:Community)
    WHERE u.resident = true AND (everywhere OR c.id IN scope)
    | [c.id, u.id, 0, null]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:BASED_IN*0..1]-()-[:PARTY_TO]->(ag)<-[:PARTY_TO]-(o)-[:COVERS]->(c:Community)
      WHERE o.kind = 'community_committee' AND ag.status = 'active'
        AND (ag.expires_on IS NULL OR ag.expires_on >= $as_of)
        AND (everywhere OR c.id IN scope)
      | [c.id, u.id, 1, ag.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:WORKS_AT]-(m)-[h:HOLDS]->(o)-[:COVERS]->(c:Community)
      WHERE h.role = 'part_time_member' AND o.kind = 'community_committee'
        AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
        AND (everywhere OR c.id IN scope)
      | [c.id, u.id, 2, m.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:WORKS_AT]-(m)-[rp:REPORTED_TO]->(c:Community)
      WHERE (everywhere OR c.id IN scope)
        AND (rp.`on` IS NULL OR (rp.`on` <= $as_of
             AND ($reported_members_since IS NULL OR rp.`on` > $reported_members_since)))
      | [c.id, u.id, 3, m.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:WORKS_AT]-(m)-[:LIVES_IN]->()-[:PART_OF*0..]->(c:Community)
      WHERE everywhere OR c.id IN scope
      | [c.id, u.id, 4, m.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)-[:OFFERS]->(r)-[f:FULFILS]->()<-[:RAISED]-(c:Community)
      WHERE (everywhere OR c.id IN scope)
        AND (f.`on` IS NULL OR (f.`on` <= $as_of
             AND ($matched_resources_since IS NULL OR f.`on` > $matched_resources_since)))
      | [c.id, u.id, 5, r.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:WORKS_AT]-()-[cl:CLAIMED]->(s)<-[:POSTED]-(c:Community)
      WHERE (everywhere OR c.id IN scope)
        AND (cl.`on` IS NULL OR (cl.`on` <= $as_of
             AND ($services_since IS NULL OR cl.`on` > $services_since)))
      | [c.id, u.id, 6, s.id]] AS items
WITH everywhere, scope, items
  + [(u:Unit)<-[:BASED_IN*0..1]-()-[:ATTENDED]->(mt)<-[:CONVENED]-(o)-[:COVERS]->(c:Community)
      WHERE o.kind = 'community_committee' AND mt.held_on <= $as_of
        AND ($meetings_since IS NULL OR mt.held_on > $meetings_since)
        AND (everywhere OR c.id IN scope)
      | [c.id, u.id, 7, mt.id]] AS items
UNWIND items AS it
WITH it[0] AS cid, it[1] AS uid, it[2] AS k, count(DISTINCT it[3]) AS n
WITH cid, uid,
  sum(CASE WHEN k = 1 THEN n ELSE 0 END) AS agreements,
  sum(CASE WHEN k = 2 THEN n ELSE 0 END) AS part_time_members,
  sum(CASE WHEN k = 3 THEN n ELSE 0 END) AS reported_members,
  sum(CASE WHEN k = 4 THEN n ELSE 0 END) AS resident_members,
  sum(CASE WHEN k = 5 THEN n ELSE 0 END) AS matched_resources,
  sum(CASE WHEN k = 6 THEN n ELSE 0 END) AS services,
  sum(CASE WHEN k = 7 THEN n ELSE 0 END) AS meetings
MATCH (c:Community {id: cid})
MATCH (u:Unit {id: uid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH c, u, s, agreements, part_time_members, reported_members, resident_members, matched_resources, services, meetings
WHERE $street_id IS NULL OR s.id = $street_id
RETURN c.id AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident,
       agreements, part_time_members, reported_members, resident_members, matched_resources, services, meetings
ORDER BY community_id, unit_id
