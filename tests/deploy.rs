//! The deployment files in `deploy/` hold together: the Kubernetes manifests and the compose file
//! parse, probe the service's health endpoints, take secrets only from references, and configure
//! Consulta with settings the real binary accepts. (`docker compose config` and
//! `systemd-analyze verify` check the rest where those tools exist; see deploy/README.md.)

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_yaml::Value;

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every document of every manifest in `deploy/k8s`.
fn manifests() -> Vec<Value> {
    let mut documents = Vec::new();
    for entry in std::fs::read_dir(deploy_dir().join("k8s")).unwrap() {
        let path = entry.unwrap().path();
        for document in serde_yaml::Deserializer::from_str(&read(&path)) {
            let value = Value::deserialize(document)
                .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
            documents.push(value);
        }
    }
    documents
}

/// The items of a YAML list of strings.
fn strings(list: &Value) -> Vec<&str> {
    let items = list
        .as_sequence()
        .unwrap_or_else(|| panic!("not a list: {list:?}"));
    items.iter().map(|item| item.as_str().unwrap()).collect()
}

fn of_kind<'a>(documents: &'a [Value], kind: &str, name: &str) -> &'a Value {
    documents
        .iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in deploy/k8s"))
}

/// Runs the real binary with `env` (and a scratch data dir) on a command that loads every setting.
fn loads_settings(config: Option<&Path>, env: &[(String, String)]) {
    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_consulta"));
    command.arg("--data-dir").arg(data.path());
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let out = command
        .args(["tickets", "list"])
        .env_remove("CONSULTA_CONFIG")
        .envs(env.iter().cloned())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "settings refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_manifest_is_a_named_kubernetes_object_listed_in_the_kustomization() {
    let documents = manifests();
    for document in &documents {
        assert!(document["apiVersion"].is_string(), "{document:?}");
        assert!(document["kind"].is_string(), "{document:?}");
    }
    let kustomization = documents
        .iter()
        .find(|d| d["kind"] == "Kustomization")
        .expect("a kustomization.yaml");
    let listed = strings(&kustomization["resources"]);
    for file in std::fs::read_dir(deploy_dir().join("k8s")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        if name != "kustomization.yaml" {
            assert!(
                listed.contains(&name.as_str()),
                "{name} is not in the kustomization"
            );
        }
    }
    for document in documents.iter().filter(|d| d["kind"] != "Kustomization") {
        assert!(document["metadata"]["name"].is_string(), "{document:?}");
    }
}

#[test]
fn the_deployment_probes_health_runs_as_non_root_and_takes_secrets_by_reference() {
    let documents = manifests();
    let deployment = of_kind(&documents, "Deployment", "consulta");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let container = &pod["containers"][0];
    assert_eq!(container["args"][0], "serve");
    assert_eq!(container["ports"][0]["containerPort"], 8080);
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    let init: Vec<&str> = pod["initContainers"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        init,
        ["wait-for-qdrant", "ingest"],
        "Qdrant first, then ingest"
    );

    let text = serde_yaml::to_string(&documents).unwrap();
    assert!(
        !text.contains("kind: Secret\n"),
        "secrets are created by the operator, not shipped"
    );
    for env in pod["containers"][0]["env"].as_sequence().unwrap() {
        let name = env["name"].as_str().unwrap();
        if name.ends_with("API_KEY") || name.ends_with("TOKEN") {
            assert_eq!(
                env["valueFrom"]["secretKeyRef"]["name"], "consulta-secrets",
                "{name} comes from the Secret"
            );
        }
    }
    let qdrant = of_kind(&documents, "StatefulSet", "qdrant");
    assert!(
        qdrant["spec"]["volumeClaimTemplates"].is_sequence(),
        "Qdrant keeps its data"
    );
    of_kind(&documents, "Service", "qdrant");
    of_kind(&documents, "Service", "consulta");
}

#[test]
fn the_config_map_is_a_configuration_the_binary_accepts() {
    let documents = manifests();
    let map = of_kind(&documents, "ConfigMap", "consulta-config");
    let toml_text = map["data"]["consulta.toml"].as_str().unwrap();
    let settings: toml::Table = toml_text.parse().unwrap();
    assert_eq!(
        settings["retrieval"]["vector_store"].as_str(),
        Some("qdrant")
    );
    let url = settings["retrieval"]["qdrant"]["url"].as_str().unwrap();
    assert!(
        url.ends_with(":6334"),
        "Consulta speaks gRPC to Qdrant: {url}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("consulta.toml");
    std::fs::write(&file, toml_text).unwrap();
    loads_settings(Some(&file), &[]);
}

#[test]
fn the_compose_file_wires_consulta_to_qdrant_with_known_settings() {
    let mut compose: Value =
        serde_yaml::from_str(&read(&deploy_dir().join("compose.yaml"))).unwrap();
    compose.apply_merge().unwrap();
    let services = &compose["services"];
    let consulta = &services["consulta"];
    assert_eq!(
        consulta["depends_on"]["qdrant"]["condition"],
        "service_healthy"
    );
    assert_eq!(
        consulta["depends_on"]["ingest"]["condition"],
        "service_completed_successfully"
    );
    assert_eq!(consulta["read_only"], true);
    let volumes = strings(&consulta["volumes"]);
    assert!(
        volumes
            .iter()
            .any(|v| v.ends_with(":/var/lib/consulta/desk")),
        "{volumes:?}"
    );
    assert!(
        volumes
            .iter()
            .any(|v| v.ends_with(":/var/lib/consulta/index")),
        "{volumes:?}"
    );
    assert!(services["qdrant"]["volumes"].is_sequence());

    let env: Vec<(String, String)> = consulta["environment"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let value = v.as_str().unwrap();
            // Interpolations are the operator's (`${QDRANT_API_KEY:?...}`): any value will do.
            let value = if value.starts_with("${") {
                "from-the-env"
            } else {
                value
            };
            (k.as_str().unwrap().to_string(), value.to_string())
        })
        .collect();
    assert!(
        env.iter()
            .any(|(k, v)| k == "CONSULTA_RETRIEVAL__VECTOR_STORE" && v == "qdrant")
    );
    assert!(
        env.iter()
            .any(|(k, v)| k == "CONSULTA_RETRIEVAL__QDRANT__URL" && v == "http://qdrant:6334")
    );
    loads_settings(None, &env);
}

#[test]
fn the_image_and_the_unit_run_the_service_unprivileged_with_a_health_check() {
    let dockerfile = read(&deploy_dir().join("Dockerfile"));
    assert!(
        dockerfile.matches("\nFROM ").count() >= 3,
        "build, models and runtime stages"
    );
    assert!(
        dockerfile.contains("fetch-models.sh"),
        "weights fetched (and verified) at build"
    );
    assert!(dockerfile.contains("USER consulta"));
    assert!(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/readyz"));
    assert!(dockerfile.contains("CMD [\"serve\", \"--listen\", \"0.0.0.0:8080\"]"));

    let unit = read(&deploy_dir().join("consulta.service"));
    let settings: Vec<(&str, &str)> = unit
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .collect();
    for expected in [
        ("User", "consulta"),
        ("ProtectSystem", "strict"),
        ("NoNewPrivileges", "yes"),
        ("Restart", "on-failure"),
        ("CapabilityBoundingSet", ""),
    ] {
        assert!(settings.contains(&expected), "the unit sets {expected:?}");
    }
    assert!(
        settings
            .iter()
            .any(|(k, v)| *k == "ExecStart" && v.contains("serve --listen"))
    );
}

#[test]
fn replicas_are_stateless_follow_the_primary_and_take_the_read_path() {
    let documents = manifests();
    let deployment = of_kind(&documents, "Deployment", "consulta-replica");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let args = strings(&container["args"]);
    let primary = args
        .iter()
        .position(|a| *a == "--replica-of")
        .map(|i| args[i + 1])
        .expect("replicas name their primary");
    assert_eq!(primary, "http://consulta", "the primary's Service");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    let volumes = pod["volumes"].as_sequence().unwrap();
    let data = volumes.iter().find(|v| v["name"] == "data").unwrap();
    assert!(
        data["emptyDir"].is_mapping(),
        "a replica keeps nothing: {data:?}"
    );
    assert_eq!(deployment["spec"]["strategy"]["type"], "RollingUpdate");
    for (object, kind) in [
        (deployment, "Deployment"),
        (of_kind(&documents, "Deployment", "consulta"), "primary"),
    ] {
        let env = object["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_sequence()
            .unwrap();
        let token = env
            .iter()
            .find(|e| e["name"] == "CONSULTA_SERVICE__FRONTEND_TOKEN")
            .unwrap_or_else(|| panic!("the {kind} has the front-end token"));
        assert_eq!(token["valueFrom"]["secretKeyRef"]["key"], "frontend-token");
    }

    let ingress = of_kind(&documents, "Ingress", "consulta");
    let paths = ingress["spec"]["rules"][0]["http"]["paths"]
        .as_sequence()
        .unwrap();
    let backend = |path: &str| {
        paths
            .iter()
            .find(|p| p["path"] == path)
            .map(|p| p["backend"]["service"]["name"].as_str().unwrap())
            .unwrap_or_else(|| panic!("no ingress path {path}"))
    };
    assert_eq!(backend("/v1/ask"), "consulta-replica");
    assert_eq!(backend("/v1/search"), "consulta-replica");
    assert_eq!(
        backend("/"),
        "consulta",
        "the desk, pages and console stay on the primary"
    );

    let mut compose: Value =
        serde_yaml::from_str(&read(&deploy_dir().join("compose.yaml"))).unwrap();
    compose.apply_merge().unwrap();
    let replica = &compose["services"]["replica"];
    let command = strings(&replica["command"]);
    assert!(
        command
            .windows(2)
            .any(|w| w == ["--replica-of", "http://consulta:8080"]),
        "{command:?}"
    );
    assert_eq!(
        replica["volumes"].as_sequence().map(Vec::len),
        Some(0),
        "no shared volumes"
    );
}

#[test]
fn the_image_is_built_without_the_evaluation_code() {
    let dockerfile = read(&deploy_dir().join("Dockerfile"));
    let features = dockerfile
        .lines()
        .find_map(|line| line.trim().strip_prefix("ARG FEATURES="))
        .expect("the Dockerfile declares its default features");
    assert!(
        !features.split(',').any(|feature| feature.trim() == "eval"),
        "the image's features {features:?} include the gold sets and test documents"
    );
    assert!(dockerfile.contains("--no-default-features --features \"${FEATURES}\""));

    let manifest = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    assert_eq!(
        manifest["dependencies"]["consulta-evals"]["optional"].as_bool(),
        Some(true),
        "only the eval feature links consulta-evals"
    );
    assert_eq!(
        manifest["features"]["eval"].as_array().map(Vec::len),
        Some(1)
    );
    let default = manifest["features"]["default"]
        .as_array()
        .expect("the binary declares its default features");
    assert!(
        !default
            .iter()
            .any(|feature| feature.as_str() == Some("eval")),
        "a plain `cargo build --release` links the evaluation code: {default:?}"
    );
}
