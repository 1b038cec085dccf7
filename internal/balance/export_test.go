package balance

// Loads tells tests how many times c counted a plan afresh.
func Loads(c *Checker) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}
