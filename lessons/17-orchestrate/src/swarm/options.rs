//! Which lab a command works on: its project, its subnet and its images, from the command
//! line or the environment (`L17_PROJECT`, …), checked before anything is made.

/// Which lab: its project, its subnet, and the images it runs.
#[derive(Debug, Clone, clap::Args)]
pub struct SwarmOptions {
    /// The lab's name: the prefix of its containers, volumes and network.
    #[arg(long, global = true, env = "L17_PROJECT", default_value = "l17")]
    pub project: String,
    /// The first three numbers of the lab's network: 10.17.0 gives 10.17.0.0/24, the
    /// registry at .5, the managers at .11, .12, …, the workers at .21, .22, ….
    #[arg(
        long,
        global = true,
        env = "L17_SUBNET_PREFIX",
        default_value = "10.17.0"
    )]
    pub subnet_prefix: String,
    /// The nodes' image (`l17-orchestrate image` builds it). Not the project's: every lab on
    /// this machine runs the same one, built once, unless given another name here.
    #[arg(
        long,
        global = true,
        env = "L17_NODE_IMAGE",
        default_value = "l17-node"
    )]
    pub node_image: String,
    /// The course's image, which `up` pushes to the lab's registry. Shared as the nodes'
    /// is; a build that replaces it leaves a lab that is up as it was, since each lab's
    /// registry holds the build it was given, tagged with its id.
    #[arg(
        long,
        global = true,
        env = "L17_SERVICE_IMAGE",
        default_value = "l17-service"
    )]
    pub service_image: String,
}

impl SwarmOptions {
    /// Refuses, before anything is made, a project Docker could not name a container after
    /// and a subnet prefix that is not three numbers of an IPv4 address.
    pub fn check(&self) -> anyhow::Result<()> {
        let project = &self.project;
        let named = project
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && project
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !named {
            anyhow::bail!(
                "--project {project:?}: a lab's name is letters, digits, `_`, `.` and `-`, \
                 beginning with a letter or a digit (it begins its containers' names)"
            )
        }
        let numbers: Vec<&str> = self.subnet_prefix.split('.').collect();
        let three_numbers = numbers.len() == 3
            && numbers
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u8>().is_ok());
        if !three_numbers {
            anyhow::bail!(
                "--subnet-prefix {}: the first three numbers of an IPv4 address, each 0 to 255 \
                 (10.17.0 makes the lab's network 10.17.0.0/24)",
                self.subnet_prefix
            )
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_s_name_and_subnet_are_checked_before_anything_is_made() {
        let options = |project: &str, subnet_prefix: &str| SwarmOptions {
            project: project.into(),
            subnet_prefix: subnet_prefix.into(),
            node_image: "l17-node".into(),
            service_image: "l17-service".into(),
        };
        assert!(options("l17", "10.17.0").check().is_ok());
        assert!(options("my-lab_2.b", "192.168.250").check().is_ok());
        for (project, prefix) in [
            ("Bad/Name", "10.17.0"),
            ("-lab", "10.17.0"),
            ("", "10.17.0"),
            ("l17", "999.1.1"),
            ("l17", "10.77"),
            ("l17", "10.77.0.0"),
            ("l17", "10..0"),
            ("l17", "+1.2.3"),
        ] {
            let error = options(project, prefix).check().unwrap_err().to_string();
            assert!(!error.contains('\n'), "{error}");
        }
    }
}
