# The Lambda jar that every function of template.yaml ships (CodeUri: functions/target/functions.jar): one Maven
# build, tests skipped. `sam build` builds nothing (the functions say SkipBuild); see docs/deploying.md.

JAR := functions/target/functions.jar
# Finds a JDK >= 21 even where the default java is older.
MAVEN := bash -c 'source scripts/lib/common.sh && use_jdk && mvn -B -q -ntp -Dmaven.test.skip=true -pl functions -am package'

.PHONY: jar
jar:
	$(MAVEN)
