// How many subscriptions exist (the delivery worker starts only when there are some).
RETURN COUNT { (s:Subscription) } AS n
