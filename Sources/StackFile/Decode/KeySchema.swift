/// The keys Compose defines at one level of a stack file, split into those swiftstack
/// implements and those it accepts with a warning. Any other key is an error, except
/// `x-` extension fields where Compose allows them.
struct KeySchema: Sendable {
    var supported: Set<String>
    var unsupported: Set<String> = []
    /// Whether `x-…` keys are allowed here.
    var allowsExtensions = false

    var all: Set<String> { supported.union(unsupported) }

    static let topLevel = KeySchema(
        supported: ["name", "services", "networks", "volumes"],
        unsupported: ["version", "secrets", "configs", "include", "models"],
        allowsExtensions: true)

    static let service = KeySchema(
        supported: [
            "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes",
            "tmpfs", "networks", "network_mode", "depends_on", "healthcheck", "restart", "deploy", "scale",
            "container_name", "hostname", "working_dir", "user", "labels", "stop_signal", "stop_grace_period",
            "init", "read_only", "cap_add", "cap_drop", "extra_hosts", "profiles",
        ],
        unsupported: [
            "annotations", "attach", "blkio_config", "cgroup", "cgroup_parent", "configs", "cpu_count", "cpu_percent",
            "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset",
            "credential_spec", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search",
            "domainname", "driver_opts", "extends", "external_links", "gpus", "group_add", "ipc", "isolation",
            "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
            "memswap_limit", "models", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
            "post_start", "pre_stop", "privileged", "provider", "pull_policy", "runtime", "secrets", "security_opt",
            "shm_size", "stdin_open", "storage_opt", "sysctls", "tty", "ulimits", "use_api_socket", "userns_mode",
            "uts", "volumes_from",
        ],
        allowsExtensions: true)

    static let build = KeySchema(
        supported: ["context", "dockerfile", "target", "args", "labels"],
        unsupported: [
            "additional_contexts", "cache_from", "cache_to", "dockerfile_inline", "entitlements", "extra_hosts",
            "isolation", "network", "no_cache", "platforms", "privileged", "provenance", "pull", "sbom", "secrets",
            "shm_size", "ssh", "tags", "ulimits",
        ],
        allowsExtensions: true)

    static let port = KeySchema(
        supported: ["target", "published", "host_ip", "protocol", "mode"], unsupported: ["name", "app_protocol"],
        allowsExtensions: true)
    static let serviceVolume = KeySchema(
        supported: ["type", "source", "target", "read_only", "bind", "tmpfs", "volume"],
        unsupported: ["consistency", "image"], allowsExtensions: true)
    static let bindOptions = KeySchema(
        supported: ["create_host_path"], unsupported: ["propagation", "selinux", "recursive"])
    static let volumeOptions = KeySchema(supported: [], unsupported: ["nocopy", "subpath", "labels"])
    static let tmpfsOptions = KeySchema(supported: ["size"], unsupported: ["mode"])
    static let serviceNetwork = KeySchema(
        supported: ["aliases", "ipv4_address"],
        unsupported: [
            "ipv6_address", "link_local_ips", "mac_address", "driver_opts", "priority", "gw_priority", "interface_name",
        ],
        allowsExtensions: true)
    static let dependency = KeySchema(supported: ["condition", "required", "restart"], allowsExtensions: true)
    static let envFile = KeySchema(supported: ["path", "required"], unsupported: ["format"])
    static let healthcheck = KeySchema(
        supported: ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"],
        allowsExtensions: true)
    static let deploy = KeySchema(
        supported: ["replicas", "resources", "restart_policy", "update_config", "rollback_config"],
        unsupported: ["mode", "endpoint_mode", "labels", "placement"], allowsExtensions: true)
    static let resources = KeySchema(supported: ["limits"], unsupported: ["reservations"], allowsExtensions: true)
    static let limits = KeySchema(supported: ["cpus", "memory", "pids"], unsupported: ["devices"])
    static let restartPolicy = KeySchema(
        supported: ["condition", "delay", "max_attempts", "window"], allowsExtensions: true)
    static let updateConfig = KeySchema(
        supported: ["parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"],
        allowsExtensions: true)
    static let network = KeySchema(
        supported: ["driver", "internal", "external", "name", "ipam", "labels"],
        unsupported: ["driver_opts", "attachable", "enable_ipv6", "enable_ipv4"], allowsExtensions: true)
    static let ipam = KeySchema(supported: ["config"], unsupported: ["driver", "options"], allowsExtensions: true)
    static let ipamConfig = KeySchema(supported: ["subnet", "gateway"], unsupported: ["ip_range", "aux_addresses"])
    static let volume = KeySchema(
        supported: ["external", "name", "labels", "driver"], unsupported: ["driver_opts"], allowsExtensions: true)
}
