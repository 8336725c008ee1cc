package main

// raceEnabled says whether the test binary was built with the race detector.
var raceEnabled bool
