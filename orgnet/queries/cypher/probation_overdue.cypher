// id: probation_overdue
// kind: rule
// personal: name
// title_zh: 预备期满未转正
// title_en: Probation over, not yet full members
// description_zh: 状态为预备党员、入党日期早于统计日前一年（政策参数 probation_months）的党员；入党日期恰为一年前的，预备期当日届满，不算逾期；入党日期未登记的不在此列。按所在党组织归属社区、街道（无组织关系的按居住地）。
// description_en: Probationary members admitted more than one year (policy probation_months) before the reference date; admitted exactly a year before: due that day, not overdue; no admission date: not checked. Placed by their organization (by home area when they have none).
// source: 党章 第七条
// severity: medium
// remedy_zh: 所在党支部应及时召开党员大会讨论其转正（按期转正、延长预备期或取消预备党员资格），并登记转正日期。
// remedy_en: The branch should hold its general meeting to decide on full membership (on time, extended probation or cancelled) and record the date.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: probation_months int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (m:Member {status: 'probationary'})
WHERE m.joined_on IS NOT NULL
WITH m, toInteger(substring($as_of, 0, 4)) * 12 + toInteger(substring($as_of, 5, 2)) - 1 - $probation_months AS t
WITH m, toString(toInteger(floor(t / 12.0))) + '-' + right('0' + toString(t - 12 * toInteger(floor(t / 12.0)) + 1), 2) + substring($as_of, 7) AS cutoff
WHERE m.joined_on < cutoff
OPTIONAL MATCH (m)-[:MEMBER_OF]->(x:PartyOrg)
WITH m, x, m.joined_on + '入党，预备期已满，未转正' AS detail
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c1:Community)
WITH m, detail, x, collect(DISTINCT c1) AS c1s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c2:Community)
WITH m, detail, x, c1s, collect(DISTINCT c2) AS c2s
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(c3:Community)
WHERE x IS NULL
WITH m, detail, x, c1s, c2s, collect(DISTINCT c3) AS c3s
WITH m, detail, x, c1s + c2s + c3s AS cs
WITH m, detail, x, cs, reduce(mn = null, c IN cs | CASE WHEN mn IS NULL OR c.id < mn THEN c.id ELSE mn END) AS community_id
WITH m, detail, x, cs, community_id, head([c IN cs WHERE c.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF*1..]->(s1:Street)
WITH m, detail, x, cs, community_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s2:Street)
WITH m, detail, x, cs, community_id, s1s, collect(DISTINCT s2) AS s2s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s3:Street)
WITH m, detail, x, cs, community_id, s1s, s2s, collect(DISTINCT s3) AS s3s
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Area)-[:PART_OF*0..]->(s4:Street)
WHERE x IS NULL
WITH m, detail, x, cs, community_id, s1s, s2s, s3s, collect(DISTINCT s4) AS s4s
WITH m, detail, x, cs, community_id, CASE WHEN size(s1s) > 0 THEN s1s ELSE s2s + s3s + s4s END AS ss
WITH m, detail, x, cs, community_id, ss, reduce(mn = null, s IN ss | CASE WHEN mn IS NULL OR s.id < mn THEN s.id ELSE mn END) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'probation_overdue' AS rule, m.id AS id, m.name AS name, m.category AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '所在党支部应及时召开党员大会讨论其转正（按期转正、延长预备期或取消预备党员资格），并登记转正日期。' AS remedy
ORDER BY street_id, community_id, id
