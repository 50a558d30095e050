// Every event in an eventTime range, walked in eventTime order through the index.
// :param timeLow => ''
// :param timeHigh => '\uffff'
// :param orgs => ['demo']
MATCH (e:Event)
USING INDEX e:Event(eventTime)
WHERE e.eventTime >= $timeLow AND e.eventTime < $timeHigh
  AND e.owner IN $orgs
