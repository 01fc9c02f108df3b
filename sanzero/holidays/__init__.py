"""节假日安排: the officially announced rest days and make-up workdays the county enters for the
years the chinesecalendar package does not know yet (sanzero.workdays reads them)."""
