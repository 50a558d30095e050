// Every event in a recordTime range, walked in recordTime order through the index.
// :param timeLow => ''
// :param timeHigh => '\uffff'
// :param orgs => ['demo']
MATCH (e:Event)
USING INDEX e:Event(recordTime)
WHERE e.recordTime >= $timeLow AND e.recordTime < $timeHigh
  AND e.owner IN $orgs
