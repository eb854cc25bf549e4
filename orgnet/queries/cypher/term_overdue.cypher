// id: term_overdue
// kind: rule
// title_zh: 换届逾期
// title_en: Election overdue
// description_zh: 上次换届日期（未登记时取成立日期）加任期已到统计日或之前的党组织。任期：本组织登记的任期年限，否则社区党组织5年（community_term_years）、党委5年（committee_term_years）、其他3年（other_term_years）。换届日期和成立日期都未登记的不在此列；任期在6个月内（expiring_within_months）届满的见“即将到期的换届”，不算缺口。
// description_en: Organizations whose last election (else their establishment) plus the term falls on or before the reference date. Term: the organization's term_years, else 5 years for community organizations (community_term_years), 5 for committees (committee_term_years), 3 otherwise (other_term_years). Organizations with neither date are not checked; terms ending within 6 months (expiring_within_months) are listed as expiring, not as gaps.
// source: 《中国共产党基层组织选举工作条例》(2020); 党章
// severity: medium
// remedy_zh: 向上级党组织报告，按《中国共产党基层组织选举工作条例》及时召开党员大会换届选举，并登记换届日期。
// remedy_en: Report to the higher organization, hold the general meeting to elect a new committee or secretary as the election regulations require, and record the election date.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: community_term_years int =policy
// param: committee_term_years int =policy
// param: other_term_years int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:PartyOrg)
WITH x, CASE WHEN x.elected_on IS NOT NULL THEN x.elected_on ELSE x.established_on END AS since,
     CASE WHEN x.elected_on IS NOT NULL THEN '上次换届' ELSE '成立' END AS basis
WHERE since IS NOT NULL
WITH x, since, basis, coalesce(x.term_years, CASE WHEN x.kind = 'community_committee' THEN $community_term_years WHEN x.form = 'committee' THEN $committee_term_years ELSE $other_term_years END) AS term
WITH x, since, basis, term, toString(toInteger(substring(since, 0, 4)) + term) + substring(since, 4) AS ends
WHERE ends <= $as_of
WITH x, basis + '于' + since + '，任期' + toString(term) + '年，应于' + ends + '前换届' AS detail
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
RETURN 'term_overdue' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([s IN ss WHERE s.id = street_id | s.name]) AS street,
       community_id, head([c IN cs WHERE c.id = community_id | c.name]) AS community,
       detail, '向上级党组织报告，按《中国共产党基层组织选举工作条例》及时召开党员大会换届选举，并登记换届日期。' AS remedy
ORDER BY street_id, community_id, id
