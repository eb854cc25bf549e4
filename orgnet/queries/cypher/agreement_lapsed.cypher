// id: agreement_lapsed
// kind: rule
// title_zh: 已到期仍标为生效的共建协议
// title_en: Lapsed agreements still marked active
// description_zh: 状态仍为“生效”但到期日期早于统计日的共建协议（按签约党组织负责的区域归属社区、街道）。
// description_en: Agreements still marked active whose expires_on is before as_of (placed by the areas their party-org parties cover).
// source: 000 双向评价
// severity: low
// remedy_zh: 组织双向评价，及时续签或将协议状态更新为到期。
// remedy_en: Review the agreement with both sides; renew it or mark it expired.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Agreement {status: 'active'})
WHERE x.expires_on IS NOT NULL AND x.expires_on < $as_of
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..2]->(c:Community)
WITH x, min(c.id) AS community_id, collect(DISTINCT c) AS cs
WITH x, community_id, cs, head([k IN cs WHERE k.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF]->(s1:Street)
WITH x, community_id, cs, min(s1.id) AS s1_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)<-[:PARTY_TO]-(:PartyOrg)-[:COVERS]->(:Area)-[:PART_OF*0..3]->(s2:Street)
WITH x, community_id, cs, s1_id, s1s, min(s2.id) AS s2_id, collect(DISTINCT s2) AS s2s
WITH x, community_id, cs, coalesce(s1_id, s2_id) AS street_id, s1s + s2s AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'agreement_lapsed' AS rule, x.id AS id, x.title AS name, 'agreement' AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '协议已于' + x.expires_on + '到期，状态仍为生效' AS detail, '组织双向评价，及时续签或将协议状态更新为到期。' AS remedy
ORDER BY street_id, community_id, id
