// id: view_term_expiring
// kind: view
// title_zh: 即将到期的换届
// title_en: Terms ending soon
// description_zh: 任期在统计日之后、6个月内（政策参数 expiring_within_months）届满的党组织：上次换届日期（未登记时取成立日期）加任期（本组织的任期年限，否则社区党组织5年、党委5年、其他3年）。这是提醒，不是缺口；已届满的见“换届逾期”。
// description_en: Organizations whose term ends after the reference date and within 6 months (policy expiring_within_months): last election (else establishment) plus the term (the organization's term_years, else 5 years for community organizations and committees, 3 otherwise). A reminder, not a gap; terms already over are the rule term_overdue.
// source: 《中国共产党基层组织选举工作条例》(2020)
// stored: yes
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: expiring_within_months int =policy
// param: community_term_years int =policy
// param: committee_term_years int =policy
// param: other_term_years int =policy
// columns: id, name, kind, form, street_id, street, community_id, community, basis, since, term_years, term_ends
WITH toInteger(substring($as_of, 0, 4)) * 12 + toInteger(substring($as_of, 5, 2)) - 1 + $expiring_within_months AS t
WITH toString(toInteger(floor(t / 12.0))) + '-' + right('0' + toString(t - 12 * toInteger(floor(t / 12.0)) + 1), 2) + substring($as_of, 7) AS horizon
MATCH (x:PartyOrg)
WITH horizon, x, CASE WHEN x.elected_on IS NOT NULL THEN x.elected_on ELSE x.established_on END AS since,
     CASE WHEN x.elected_on IS NOT NULL THEN 'elected_on' ELSE 'established_on' END AS basis
WHERE since IS NOT NULL
WITH horizon, x, since, basis, coalesce(x.term_years, CASE WHEN x.kind = 'community_committee' THEN $community_term_years WHEN x.form = 'committee' THEN $committee_term_years ELSE $other_term_years END) AS term
WITH horizon, x, since, basis, term, toString(toInteger(substring(since, 0, 4)) + term) + substring(since, 4) AS ends
WHERE ends > $as_of AND ends <= horizon
WITH x, since, basis, term, ends
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(c1:Community)
WITH since, basis, term, ends, x, collect(DISTINCT c1) AS c1s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c2:Community)
WITH since, basis, term, ends, x, c1s, collect(DISTINCT c2) AS c2s
WITH since, basis, term, ends, x, c1s + c2s AS cs
WITH since, basis, term, ends, x, cs, reduce(mn = null, c IN cs | CASE WHEN mn IS NULL OR c.id < mn THEN c.id ELSE mn END) AS community_id
WITH since, basis, term, ends, x, cs, community_id, head([c IN cs WHERE c.id = community_id]) AS cn
OPTIONAL MATCH (cn)-[:PART_OF*1..]->(s1:Street)
WITH since, basis, term, ends, x, cs, community_id, collect(DISTINCT s1) AS s1s
OPTIONAL MATCH (x)-[:COVERS]->(:Area)-[:PART_OF*0..]->(s2:Street)
WITH since, basis, term, ends, x, cs, community_id, s1s, collect(DISTINCT s2) AS s2s
OPTIONAL MATCH (x)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s3:Street)
WITH since, basis, term, ends, x, cs, community_id, s1s, s2s, collect(DISTINCT s3) AS s3s
WITH since, basis, term, ends, x, cs, community_id, CASE WHEN size(s1s) > 0 THEN s1s ELSE s2s + s3s END AS ss
WITH since, basis, term, ends, x, cs, community_id, ss, reduce(mn = null, s IN ss | CASE WHEN mn IS NULL OR s.id < mn THEN s.id ELSE mn END) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN x.id AS id, x.name AS name, x.kind AS kind, x.form AS form,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       basis, since, term AS term_years, ends AS term_ends
ORDER BY term_ends, street_id, community_id, id
