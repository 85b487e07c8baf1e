"""The action package loads in rasa-sdk exactly as `make run` loads it."""
from rasa_sdk.executor import ActionExecutor


def test_action_server_registers_every_action_of_the_domain():
    import yaml
    from pathlib import Path

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((Path(__file__).resolve().parents[1] / "bot" / "domain.yml").read_text())
    assert set(domain["actions"]) <= set(executor.actions)
