package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.berth.runtime.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PullResponseItem item(String json) throws Exception {
    return JSON.readValue(json.replace('\'', '"'), PullResponseItem.class);
  }

  @Test
  void sumsLayersIntoOneFigure() throws Exception {
    List<Progress> reports = new ArrayList<>();
    PullProgress progress = new PullProgress("team/bot:1", reports::add);
    progress.onItem(item("{'status':'Pulling from team/bot','id':'1'}"));
    progress.onItem(item("{'status':'Downloading','id':'a','progressDetail':{'current':50,'total':100}}"));
    progress.onItem(item("{'status':'Downloading','id':'b','progressDetail':{'current':0,'total':300}}"));
    progress.onItem(item("{'status':'Download complete','id':'a'}"));
    progress.onItem(item("{'status':'Downloading','id':'b','progressDetail':{'current':300,'total':300}}"));

    assertThat(reports).extracting(Progress::operation).containsOnly("pull");
    assertThat(reports).extracting(Progress::subject).containsOnly("team/bot:1");
    assertThat(reports.get(0).total()).isEqualTo(-1);
    assertThat(reports.get(1).fraction()).hasValue(0.5);
    assertThat(reports.get(2).fraction()).hasValue(50.0 / 400);
    assertThat(reports.get(3).fraction()).hasValue(100.0 / 400);
    assertThat(reports.get(4).completed()).isEqualTo(400);
    assertThat(reports.get(4).fraction()).hasValue(1.0);
  }
}
