// crawler: the lesson's Go web crawler. `crawler worker` crawls a site breadth-first, stores
// every page in MySQL (MariaDB) and serves its progress on :8080/status.
//
// Built offline in GOPATH mode with Debian's MySQL driver
// (golang-github-go-sql-driver-mysql-dev).
package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

// Config is read from config.toml (flat `key = value` lines) and overridden by environment
// variables of the same name in upper case (DB_HOST, START_URL, …).
type Config struct {
	DBHost     string
	DBPort     int
	DBUser     string
	DBPassword string
	DBName     string
	StartURL   string
	MaxPages   int
	Listen     string
	LogDir     string
}

func defaultConfig() Config {
	return Config{
		DBHost: "mysql", DBPort: 3306, DBUser: "crawler", DBPassword: "crawler", DBName: "crawler",
		StartURL: "http://site/", MaxPages: 1000, Listen: ":8080", LogDir: "/app/logs",
	}
}

// loadConfig reads the file (missing is fine) and then the environment.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	values := map[string]string{}
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		scanner := bufio.NewScanner(f)
		for line := 1; scanner.Scan(); line++ {
			text := strings.TrimSpace(scanner.Text())
			if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "[") {
				continue
			}
			key, value, ok := strings.Cut(text, "=")
			if !ok {
				return cfg, fmt.Errorf("%s:%d: expected key = value", path, line)
			}
			values[strings.ToLower(strings.TrimSpace(key))] = strings.Trim(strings.TrimSpace(value), `"'`)
		}
	}
	for _, key := range []string{"db_host", "db_port", "db_user", "db_password", "db_name", "start_url", "max_pages", "listen", "log_dir"} {
		if v, ok := os.LookupEnv(strings.ToUpper(key)); ok {
			values[key] = v
		}
	}
	for key, value := range values {
		var err error
		switch key {
		case "db_host":
			cfg.DBHost = value
		case "db_port":
			cfg.DBPort, err = strconv.Atoi(value)
		case "db_user":
			cfg.DBUser = value
		case "db_password":
			cfg.DBPassword = value
		case "db_name":
			cfg.DBName = value
		case "start_url":
			cfg.StartURL = value
		case "max_pages":
			cfg.MaxPages, err = strconv.Atoi(value)
		case "listen":
			cfg.Listen = value
		case "log_dir":
			cfg.LogDir = value
		}
		if err != nil {
			return cfg, fmt.Errorf("config %s: %v", key, err)
		}
	}
	return cfg, nil
}

// Status is what GET /status reports.
type Status struct {
	PagesStored int    `json:"pages_stored"`
	QueueLength int    `json:"queue_length"`
	LastError   string `json:"last_error"`
	Done        bool   `json:"done"`
	StartURL    string `json:"start_url"`
}

type crawler struct {
	cfg    Config
	db     *sql.DB
	client *http.Client
	mu     sync.Mutex
	status Status
}

var (
	titlePattern = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	linkPattern  = regexp.MustCompile(`(?i)href="([^"#]+)"`)
)

func (c *crawler) setError(err error) {
	log.Printf("error: %v", err)
	c.mu.Lock()
	c.status.LastError = err.Error()
	c.mu.Unlock()
}

// connect dials MySQL by name with retries: the database may still be starting.
func (c *crawler) connect() error {
	dsn := fmt.Sprintf("%s:%s@tcp(%s:%d)/%s?parseTime=true", c.cfg.DBUser, c.cfg.DBPassword, c.cfg.DBHost, c.cfg.DBPort, c.cfg.DBName)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		if err = db.Ping(); err == nil {
			break
		}
		c.setError(fmt.Errorf("connecting to %s:%d (attempt %d): %v", c.cfg.DBHost, c.cfg.DBPort, attempt, err))
		if attempt == 60 {
			return err
		}
		time.Sleep(time.Second)
	}
	c.db = db
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS pages (
		url VARCHAR(512) PRIMARY KEY,
		status INT NOT NULL,
		title VARCHAR(512) NOT NULL,
		links TEXT NOT NULL,
		fetched_at DATETIME NOT NULL
	)`)
	return err
}

// store saves a page idempotently: a second crawl updates the row instead of adding one.
func (c *crawler) store(pageURL string, status int, title string, links []string) error {
	_, err := c.db.Exec(`INSERT INTO pages (url, status, title, links, fetched_at) VALUES (?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE status = VALUES(status), title = VALUES(title), links = VALUES(links), fetched_at = VALUES(fetched_at)`,
		pageURL, status, title, strings.Join(links, "\n"), time.Now().UTC())
	return err
}

// fetch gets one page and returns its status, title and the same-host links it holds.
func (c *crawler) fetch(pageURL string) (int, string, []string, error) {
	resp, err := c.client.Get(pageURL)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, "", nil, err
	}
	title := ""
	if m := titlePattern.FindSubmatch(body); m != nil {
		title = strings.TrimSpace(string(m[1]))
	}
	base, _ := url.Parse(pageURL)
	var links []string
	seen := map[string]bool{}
	for _, m := range linkPattern.FindAllSubmatch(body, -1) {
		ref, err := url.Parse(string(m[1]))
		if err != nil {
			continue
		}
		abs := base.ResolveReference(ref)
		abs.Fragment = ""
		if abs.Host != base.Host || seen[abs.String()] {
			continue
		}
		seen[abs.String()] = true
		links = append(links, abs.String())
	}
	return resp.StatusCode, title, links, nil
}

// crawl walks the site breadth-first up to MaxPages.
func (c *crawler) crawl() {
	queue := []string{c.cfg.StartURL}
	visited := map[string]bool{c.cfg.StartURL: true}
	stored := 0
	for len(queue) > 0 && stored < c.cfg.MaxPages {
		pageURL := queue[0]
		queue = queue[1:]
		status, title, links, err := c.fetch(pageURL)
		if err != nil {
			c.setError(fmt.Errorf("fetching %s: %v", pageURL, err))
			continue
		}
		if err := c.store(pageURL, status, title, links); err != nil {
			c.setError(fmt.Errorf("storing %s: %v", pageURL, err))
			continue
		}
		stored++
		log.Printf("stored %s (%d, %q, %d links)", pageURL, status, title, len(links))
		for _, link := range links {
			if !visited[link] {
				visited[link] = true
				queue = append(queue, link)
			}
		}
		c.mu.Lock()
		c.status.PagesStored = stored
		c.status.QueueLength = len(queue)
		c.mu.Unlock()
	}
	c.mu.Lock()
	c.status.Done = true
	c.mu.Unlock()
	log.Printf("crawl done: %d pages stored", stored)
}

func (c *crawler) serveStatus(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	status := c.status
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(status)
}

func worker(configPath string) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	// Log to stdout and to a file under LogDir, so the logs reach the host through a bind mount.
	if err := os.MkdirAll(cfg.LogDir, 0o755); err == nil {
		if f, err := os.OpenFile(filepath.Join(cfg.LogDir, "crawler.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			log.SetOutput(io.MultiWriter(os.Stdout, f))
		}
	}
	c := &crawler{cfg: cfg, client: &http.Client{Timeout: 10 * time.Second}}
	c.status.StartURL = cfg.StartURL
	http.HandleFunc("/status", c.serveStatus)
	go func() {
		if err := http.ListenAndServe(cfg.Listen, nil); err != nil {
			log.Fatalf("status server: %v", err)
		}
	}()
	log.Printf("crawler worker: start %s, database %s:%d/%s", cfg.StartURL, cfg.DBHost, cfg.DBPort, cfg.DBName)
	if err := c.connect(); err != nil {
		return fmt.Errorf("database: %v", err)
	}
	c.crawl()
	select {} // keep serving /status
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if len(os.Args) < 2 || os.Args[1] != "worker" {
		fmt.Fprintln(os.Stderr, "usage: crawler worker [-config FILE]")
		os.Exit(2)
	}
	configPath := "config.toml"
	if len(os.Args) > 3 && os.Args[2] == "-config" {
		configPath = os.Args[3]
	}
	if err := worker(configPath); err != nil {
		log.Printf("fatal: %v", err)
		os.Exit(1)
	}
}
